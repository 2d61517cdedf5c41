import Foundation

/// Minimizes a smooth function of a few variables with BFGS (an inverse-Hessian quasi-Newton method) and a
/// backtracking line search, given the function's value and gradient.
///
/// The search never evaluates a point further than ``Configuration/maximumStep`` from the current one in any
/// coordinate, and treats a non-finite value as "too far", so a likelihood that overflows far from the optimum only
/// shortens the step.
struct QuasiNewtonMinimizer {
    struct Configuration {
        /// Stop when every gradient component is at most this in absolute value.
        var gradientTolerance = 1e-8
        /// Also stop when a step lowers the value by no more than this relative amount (rounding noise) while the
        /// gradient is within a thousand times ``gradientTolerance``.
        var stallTolerance = 1e-15
        /// Give up after this many iterations.
        var maximumIterations = 1_000
        /// The largest change of one coordinate in one step.
        var maximumStep = 2.0
    }

    struct Outcome {
        var point: [Double]
        var value: Double
        var gradient: [Double]
        var iterations: Int
        var evaluations: Int
        var converged: Bool
    }

    var configuration = Configuration()

    /// Minimizes `objective`, which returns the value and the gradient at a point (or a non-finite value).
    func minimize(from start: [Double], _ objective: ([Double]) -> (value: Double, gradient: [Double])) -> Outcome {
        let dimension = start.count
        var point = start
        var (value, gradient) = objective(point)
        var evaluations = 1
        guard value.isFinite else {
            return Outcome(
                point: point, value: value, gradient: gradient, iterations: 0, evaluations: 1, converged: false)
        }
        var inverseHessian = Self.identity(dimension)
        var iterations = 0
        while iterations < configuration.maximumIterations {
            if gradient.allSatisfy({ abs($0) <= configuration.gradientTolerance }) {
                return Outcome(
                    point: point, value: value, gradient: gradient, iterations: iterations, evaluations: evaluations,
                    converged: true)
            }
            iterations += 1
            var direction = Self.multiply(inverseHessian, gradient).map { -$0 }
            var slope = Self.dot(direction, gradient)
            if !(slope < 0) {
                // Not a descent direction (the approximation lost positive definiteness): restart along −gradient.
                inverseHessian = Self.identity(dimension)
                direction = gradient.map { -$0 }
                slope = Self.dot(direction, gradient)
            }
            let longest = direction.reduce(0) { max($0, abs($1)) }
            var step = longest > configuration.maximumStep ? configuration.maximumStep / longest : 1
            var accepted: (point: [Double], value: Double, gradient: [Double])?
            for _ in 0..<60 {
                let candidate = zip(point, direction).map { $0 + step * $1 }
                let (candidateValue, candidateGradient) = objective(candidate)
                evaluations += 1
                if candidateValue.isFinite, candidateValue <= value + 1e-4 * step * slope, candidateValue < value {
                    accepted = (candidate, candidateValue, candidateGradient)
                    break
                }
                step *= 0.5
            }
            guard let accepted else {
                // No decrease along the direction: at the optimum within rounding, or stuck.
                let converged = gradient.allSatisfy { abs($0) <= configuration.gradientTolerance * 1e3 }
                return Outcome(
                    point: point, value: value, gradient: gradient, iterations: iterations, evaluations: evaluations,
                    converged: converged)
            }
            let move = zip(accepted.point, point).map { $0 - $1 }
            let change = zip(accepted.gradient, gradient).map { $0 - $1 }
            let curvature = Self.dot(move, change)
            if curvature > 1e-300 {
                if iterations == 1 {
                    // Scale the first approximation to the observed curvature (Nocedal & Wright, 6.20).
                    let scale = curvature / Self.dot(change, change)
                    inverseHessian = inverseHessian.map { $0.map { $0 * scale } }
                }
                inverseHessian = Self.update(inverseHessian, move: move, change: change, curvature: curvature)
            }
            let decrease = value - accepted.value
            point = accepted.point
            value = accepted.value
            gradient = accepted.gradient
            if decrease <= configuration.stallTolerance * max(1, abs(value)),
                gradient.allSatisfy({ abs($0) <= configuration.gradientTolerance * 1e3 })
            {
                return Outcome(
                    point: point, value: value, gradient: gradient, iterations: iterations, evaluations: evaluations,
                    converged: true)
            }
        }
        return Outcome(
            point: point, value: value, gradient: gradient, iterations: iterations, evaluations: evaluations,
            converged: false)
    }

    /// H⁺ = (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ with ρ = 1 / (yᵀ s).
    private static func update(_ h: [[Double]], move s: [Double], change y: [Double], curvature: Double)
        -> [[Double]]
    {
        let rho = 1 / curvature
        let hy = multiply(h, y)
        let yhy = dot(y, hy)
        let n = s.count
        var result = h
        for i in 0..<n {
            for j in 0..<n {
                result[i][j] += -rho * (s[i] * hy[j] + hy[i] * s[j]) + (rho * rho * yhy + rho) * s[i] * s[j]
            }
        }
        return result
    }

    private static func identity(_ n: Int) -> [[Double]] {
        (0..<n).map { i in (0..<n).map { $0 == i ? 1 : 0 } }
    }

    private static func multiply(_ matrix: [[Double]], _ vector: [Double]) -> [Double] {
        matrix.map { dot($0, vector) }
    }

    private static func dot(_ lhs: [Double], _ rhs: [Double]) -> Double {
        zip(lhs, rhs).reduce(0) { $0 + $1.0 * $1.1 }
    }
}
