/// Clerk's `ClerkErrors` body: `{"errors":[{message,long_message,code,meta}],"meta":{},"clerk_trace_id":…}`.
enum ClerkErrorBody {
    static func make(code: String, message: String, longMessage: String) -> [UInt8] {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.key("errors")
        w.beginArray()
        w.element()
        w.beginObject()
        w.field("message", message)
        w.field("long_message", longMessage)
        w.field("code", code)
        w.field("meta", raw: "{}")
        w.endObject()
        w.endArray()
        w.field("meta", raw: "{}")
        var rng = SplitMix64(seed: UInt64(code.utf8.count), UInt64(message.utf8.count))
        w.field("clerk_trace_id", rng.base62(32).lowercased())
        w.endObject()
        return w.bytes
    }
}
