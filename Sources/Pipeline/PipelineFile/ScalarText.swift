/// One scalar of a pipeline file: its value after `${VAR}` interpolation, and the text as written.
///
/// Diagnostics quote only ``written`` (through ``quoted``), never ``value``: an expanded value may hold anything in
/// the environment, and `routiq validate` output ends up in terminals, CI logs and issue reports.
struct ScalarText {
    /// The value after interpolation; what the settings receive.
    var value: String
    /// The text as written in the file, with any `${NAME}` references unexpanded.
    var written: String
    /// Where the value starts.
    var location: SourceLocation

    /// Whether the written text references a variable, so that ``value`` may differ from it.
    var isInterpolated: Bool { written.contains("${") }

    /// The value as a diagnostic may quote it: the written text in quotes, marked when variables were expanded.
    var quoted: String {
        isInterpolated ? "'\(written)' (expanded value not shown)" : "'\(written)'"
    }
}
