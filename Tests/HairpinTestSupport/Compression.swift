import CZlib
import CZstd

public struct CompressionFailure: Error {}

/// gzip-wrapped deflate, as `gzip` writes it.
public func gzip(_ input: [UInt8]) throws -> [UInt8] {
    var stream = z_stream()
    // 31 = 15-bit window + 16 for a gzip header.
    guard deflateInit2_(&stream, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                        Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw CompressionFailure() }
    defer { deflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 64)
    var source = input
    let status = source.withUnsafeMutableBufferPointer { inBuffer in
        output.withUnsafeMutableBufferPointer { outBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = UInt32(inBuffer.count)
            stream.next_out = outBuffer.baseAddress
            stream.avail_out = UInt32(outBuffer.count)
            return deflate(&stream, Z_FINISH)
        }
    }
    guard status == Z_STREAM_END else { throw CompressionFailure() }
    return Array(output.prefix(Int(stream.total_out)))
}

/// A zstd frame, as `zstd` writes it.
public func zstd(_ input: [UInt8]) throws -> [UInt8] {
    var output = [UInt8](repeating: 0, count: ZSTD_compressBound(input.count))
    let written = output.withUnsafeMutableBytes { outBuffer in
        input.withUnsafeBytes { inBuffer in
            ZSTD_compress(outBuffer.baseAddress, outBuffer.count, inBuffer.baseAddress, inBuffer.count, 3)
        }
    }
    guard ZSTD_isError(written) == 0 else { throw CompressionFailure() }
    return Array(output.prefix(written))
}
