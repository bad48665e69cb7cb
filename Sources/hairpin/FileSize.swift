#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Bytes of the file at `path`, nil when it cannot be stat'ed. Asked of stat itself:
/// FileManager's attributes look up the owner's and group's names too, reading /etc/passwd and
/// /etc/group, about a millisecond of a short run.
func fileSize(atPath path: String) -> Int? {
    var info = stat()
    return stat(path, &info) == 0 ? Int(info.st_size) : nil
}

/// Bytes of a capture input: a file's size, or for `-` that of the file standard input is
/// redirected from (nil from a pipe or terminal).
func inputSize(_ path: String) -> Int? {
    guard path == "-" else { return fileSize(atPath: path) }
    var info = stat()
    return fstat(0, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
}
