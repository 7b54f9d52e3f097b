using System.Diagnostics;
using System.Runtime.InteropServices;

namespace LowLatency.Lab.Measurement;

/// <summary>
/// Reads the process's resident set, thread count and open descriptors. On Linux straight from
/// <c>/proc/self</c> through libc (<c>open</c>/<c>read</c> into a reused buffer, <c>opendir</c>/<c>readdir</c>
/// to count descriptors), so sampling allocates nothing managed: the soak samples every second for hours,
/// and the sampler's own garbage must not look like the heap growth it is hunting. Elsewhere through
/// <see cref="Process"/> (which allocates).
/// </summary>
internal sealed unsafe partial class ProcessSampler
{
    private const int ReadOnly = 0;

    private readonly byte[] _buffer = new byte[1024];
    private readonly bool _procfs = OperatingSystem.IsLinux() && File.Exists("/proc/self/stat");
    private readonly long _pageSize = Environment.SystemPageSize;

    /// <summary>Resident set size in bytes.</summary>
    public long ResidentBytes()
    {
        if (!_procfs)
        {
            using var process = Process.GetCurrentProcess();
            return process.WorkingSet64;
        }

        // statm: size resident shared text lib data dt, in pages.
        int length = ReadAll("/proc/self/statm\0"u8);
        return FieldAfterSpaces(0, length, spaces: 1) * _pageSize;
    }

    /// <summary>Threads of the process.</summary>
    public int Threads()
    {
        if (!_procfs)
        {
            using var process = Process.GetCurrentProcess();
            return process.Threads.Count;
        }

        // stat: field 20 is num_threads. Field 2, the command name in parentheses, may contain spaces,
        // so count from the last ')' (which ends field 2): field 20 follows 18 more spaces.
        int length = ReadAll("/proc/self/stat\0"u8);
        int close = Array.LastIndexOf(_buffer, (byte)')', Math.Max(0, length - 1));
        return close < 0 ? -1 : (int)FieldAfterSpaces(close + 1, length, spaces: 18);
    }

    /// <summary>Open file descriptors (Linux) or OS handles.</summary>
    public int Handles()
    {
        if (!_procfs)
        {
            using var process = Process.GetCurrentProcess();
            return process.HandleCount;
        }

        fixed (byte* path = "/proc/self/fd\0"u8)
        {
            nint directory = OpenDir(path);
            if (directory == 0)
            {
                return -1;
            }

            int entries = 0;
            while (ReadDir(directory) != 0)
            {
                entries++;
            }

            _ = CloseDir(directory);

            // Less "." and "..", and the descriptor opendir itself holds while counting.
            return entries - 3;
        }
    }

    private int ReadAll(ReadOnlySpan<byte> nulTerminatedPath)
    {
        fixed (byte* path = nulTerminatedPath)
        fixed (byte* buffer = _buffer)
        {
            int fd = Open(path, ReadOnly);
            if (fd < 0)
            {
                return 0;
            }

            int total = 0;
            nint read;
            while (total < _buffer.Length && (read = Read(fd, buffer + total, _buffer.Length - total)) > 0)
            {
                total += (int)read;
            }

            _ = Close(fd);
            return total;
        }
    }

    /// <summary>The decimal number after the <paramref name="spaces"/>-th space from <paramref name="start"/>.</summary>
    private long FieldAfterSpaces(int start, int length, int spaces)
    {
        int i = start;
        for (int seen = 0; i < length && seen < spaces; i++)
        {
            if (_buffer[i] == (byte)' ')
            {
                seen++;
            }
        }

        long value = 0;
        for (; i < length && _buffer[i] is >= (byte)'0' and <= (byte)'9'; i++)
        {
            value = (value * 10) + (_buffer[i] - '0');
        }

        return value;
    }

    [LibraryImport("libc", EntryPoint = "open")]
    private static partial int Open(byte* path, int flags);

    [LibraryImport("libc", EntryPoint = "read")]
    private static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "opendir")]
    private static partial nint OpenDir(byte* path);

    [LibraryImport("libc", EntryPoint = "readdir")]
    private static partial nint ReadDir(nint directory);

    [LibraryImport("libc", EntryPoint = "closedir")]
    private static partial int CloseDir(nint directory);
}
