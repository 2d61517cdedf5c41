extension PipelineNodeReader {
    /// Checks that the stages can run in the order written.
    ///
    /// Extracts and per-record transforms (`normalize_phones`, `match_contacts`) feed the load, so they come before
    /// it; scoring, aggregation and reports read the warehouse, so they come after it. There is at most one load.
    func validateOrder(of stages: [StageDefinition], topLocation: SourceLocation) {
        let loads = stages.filter { if case .load = $0.kind { true } else { false } }
        for extra in loads.dropFirst() {
            error(extra.location, "a pipeline has at most one load stage (the first is at \(loads[0].location))")
        }
        let loadIndex = stages.firstIndex { if case .load = $0.kind { true } else { false } }
        for (index, stage) in stages.enumerated() {
            let mustPrecedeLoad: Bool
            switch stage.kind {
            case .extract: mustPrecedeLoad = true
            case .transform(let transform): mustPrecedeLoad = !transform.runsAfterLoad
            case .load: continue
            case .report: mustPrecedeLoad = false
            }
            guard let loadIndex else {
                if !mustPrecedeLoad {
                    error(
                        stage.location,
                        "stage '\(stage.id)' reads the warehouse, so the pipeline needs a 'load: postgres' stage before it"
                    )
                }
                continue
            }
            if mustPrecedeLoad, index > loadIndex {
                error(
                    stage.location,
                    "stage '\(stage.id)' must come before the load stage (at \(stages[loadIndex].location))")
            } else if !mustPrecedeLoad, index < loadIndex {
                error(
                    stage.location,
                    "stage '\(stage.id)' reads the warehouse, so it must come after the load stage (at \(stages[loadIndex].location))"
                )
            }
        }
        let hasExtract = stages.contains { if case .extract = $0.kind { true } else { false } }
        if let loadIndex, !hasExtract, !hasUnreadableStages {
            error(stages[loadIndex].location, "the load stage has nothing to load; add an 'extract' stage before it")
        }
    }
}
