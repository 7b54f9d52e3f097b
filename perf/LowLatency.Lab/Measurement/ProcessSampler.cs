using System.Diagnostics;

namespace LowLatency.Lab.Measurement;

/// <summary>
/// Reads the process's resident set, thread count and open handles. On Linux from <c>/proc/self</c> into a
/// reused buffer (the soak samples every second for hours: no Process object per sample); elsewhere
/// through <see cref="Process"/>.
/// </summary>
internal sealed class ProcessSampler
{
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

        // statm: size resident shared text lib data dt (pages).
        int length = ReadAll("/proc/self/statm");
        return ParseField(length, index: 1, separator: (byte)' ') * _pageSize;
    }

    /// <summary>Threads of the process.</summary>
    public int Threads()
    {
        if (!_procfs)
        {
            using var process = Process.GetCurrentProcess();
            return process.Threads.Count;
        }

        // stat: field 20 (1-based) is num_threads; the command name (field 2) may contain spaces, so count after its ')'.
        int length = ReadAll("/proc/self/stat");
        int close = Array.LastIndexOf(_buffer, (byte)')', length - 1);
        int field = 2;
        for (int i = close + 1; i < length; i++)
        {
            if (_buffer[i] == (byte)' ')
            {
                field++;
                if (field == 20)
                {
                    return (int)ParseNumber(i + 1, length);
                }
            }
        }

        return -1;
    }

    /// <summary>Open file descriptors (Linux) or OS handles.</summary>
    public int Handles()
    {
        if (!_procfs)
        {
            using var process = Process.GetCurrentProcess();
            return process.HandleCount;
        }

        int count = 0;
        foreach (string _ in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            count++;
        }

        // The enumeration's own descriptor is open while it counts.
        return count - 1;
    }

    private int ReadAll(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        int total = 0;
        int read;
        while (total < _buffer.Length && (read = stream.Read(_buffer, total, _buffer.Length - total)) > 0)
        {
            total += read;
        }

        return total;
    }

    private long ParseField(int length, int index, byte separator)
    {
        int field = 0;
        int start = 0;
        for (int i = 0; i < length && field < index; i++)
        {
            if (_buffer[i] == separator)
            {
                field++;
                start = i + 1;
            }
        }

        return ParseNumber(start, length);
    }

    private long ParseNumber(int start, int length)
    {
        long value = 0;
        for (int i = start; i < length && _buffer[i] is >= (byte)'0' and <= (byte)'9'; i++)
        {
            value = (value * 10) + (_buffer[i] - '0');
        }

        return value;
    }
}
