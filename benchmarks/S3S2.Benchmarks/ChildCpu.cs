using System.Runtime.InteropServices;

namespace S3S2.Benchmarks;

/// <summary>
/// User + system CPU seconds of the child processes that have ended and been waited for (getrusage RUSAGE_CHILDREN):
/// the difference across one run is that process's exact CPU time, threads and children included, where polling
/// /proc/PID/stat misses what it spent after the last poll.
/// </summary>
internal static class ChildCpu
{
    private const int RusageChildren = -1;

    public static double Seconds()
    {
        if (!OperatingSystem.IsLinux())
        {
            return double.NaN;
        }

        var usage = new RUsage();
        return GetRUsage(RusageChildren, ref usage) == 0
            ? usage.UserSeconds + (usage.UserMicroseconds / 1e6) + usage.SystemSeconds + (usage.SystemMicroseconds / 1e6)
            : double.NaN;
    }

    [DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetRUsage(int who, ref RUsage usage);

    // struct rusage on 64-bit Linux: two timevals, then 14 longs.
    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxRss;
        public long IxRss;
        public long IdRss;
        public long IsRss;
        public long MinFlt;
        public long MajFlt;
        public long NSwap;
        public long InBlock;
        public long OuBlock;
        public long MsgSnd;
        public long MsgRcv;
        public long NSignals;
        public long NvCsw;
        public long NivCsw;
    }
}
