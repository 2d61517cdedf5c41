import Testing

@testable import Extract

@Suite struct TokenBucketTests {
    @Test func clinikoBudgetIsAboutThreeRequestsPerSecondAfterABurstOfTen() {
        var bucket = TokenBucket(limit: 200, window: 60, now: 0)
        #expect(bucket.capacity == 10)
        #expect(bucket.refillPerSecond == 3)
        let burst = (0..<10).map { _ in bucket.reserve(at: 0) }
        #expect(burst.allSatisfy { $0 == 0 })
        #expect(abs(bucket.reserve(at: 0) - 1.0 / 3) < 1e-9)
        #expect(abs(bucket.reserve(at: 0) - 2.0 / 3) < 1e-9)
    }

    @Test(arguments: [(200, 60.0), (100, 10.0), (600, 60.0), (7, 1.0)])
    func aGreedyClientNeverExceedsTheLimitInAnyRollingWindow(limit: Int, window: Double) {
        var bucket = TokenBucket(limit: limit, window: window, now: 0)
        var sendTimes: [Double] = []
        var now = 0.0
        while now < window * 5 {
            let delay = bucket.reserve(at: now)
            now += delay
            sendTimes.append(now)
        }
        var start = 0
        for (end, time) in sendTimes.enumerated() {
            while sendTimes[start] <= time - window { start += 1 }
            #expect(end - start + 1 <= limit)
        }
        // …and, for the real APIs' limits, still uses most of the budget.
        if limit >= 100 { #expect(Double(sendTimes.count) >= Double(limit) * 5 * 0.85) }
    }

    @Test func aPauseHoldsEveryoneUntilTheResetThenAllowsOneAtOnce() {
        var bucket = TokenBucket(limit: 200, window: 60, now: 0)
        bucket.pause(until: 30, now: 5)
        #expect(abs(bucket.reserve(at: 5) - 25) < 1e-9)
        #expect(abs(bucket.reserve(at: 5) - (25 + 1.0 / 3)) < 1e-9)
    }

    @Test func perMinuteBudgetsUseTheAPIWindow() {
        #expect(RequestBudget.perMinute(0) == nil)
        #expect(RequestBudget.perMinute(600, window: .seconds(10)) != nil)
    }
}

@Suite struct BackoffPolicyTests {
    let policy = BackoffPolicy(initial: .milliseconds(250), maximum: .seconds(30))

    @Test func ceilingsDoubleFromTheInitialValueUpToTheMaximum() {
        #expect(policy.ceiling(forRetry: 1) == .milliseconds(250))
        #expect(policy.ceiling(forRetry: 2) == .milliseconds(500))
        #expect(policy.ceiling(forRetry: 5) == .milliseconds(4000))
        #expect(policy.ceiling(forRetry: 8) == .seconds(30))
        #expect(policy.ceiling(forRetry: 60) == .seconds(30))
    }

    @Test func fullJitterScalesTheCeilingByTheFraction() {
        #expect(policy.delay(forRetry: 3, fraction: 0) == .zero)
        #expect(policy.delay(forRetry: 3, fraction: 0.5) == .milliseconds(500))
        #expect(policy.delay(forRetry: 3, fraction: 0.999).milliseconds <= 1000)
    }

    @Test func theJitterSourceIsReproducibleForASeed() {
        let first = JitterSource(seed: 42)
        let second = JitterSource(seed: 42)
        let a = (0..<5).map { _ in first.nextFraction() }
        let b = (0..<5).map { _ in second.nextFraction() }
        #expect(a == b)
        #expect(a.allSatisfy { (0..<1).contains($0) })
        #expect(Set(a).count == 5)
    }
}
