import CompressNIO
import NIOCore

/// Decompresses a gzip body, to compare it with the identity one.
enum Gunzip {
    static func decompress(_ bytes: [UInt8]) throws -> [UInt8] {
        var buffer = ByteBuffer(bytes: bytes)
        let output = try buffer.decompress(with: .gzip())
        return Array(output.readableBytesView)
    }
}
