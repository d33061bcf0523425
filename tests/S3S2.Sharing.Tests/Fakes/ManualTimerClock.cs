namespace S3S2.Sharing.Tests;

/// <summary>A clock whose timers fire only when the test says so, to check what a periodic callback does without waiting.</summary>
internal sealed class ManualTimerClock : TimeProvider
{
    private readonly List<(TimerCallback Callback, object? State)> _timers = [];
    private readonly List<TimeSpan> _periods = [];

    /// <summary>Gets the period of every timer created.</summary>
    public IReadOnlyList<TimeSpan> Periods => _periods;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _timers.Add((callback, state));
        _periods.Add(period);
        return new Timer();
    }

    /// <summary>Runs every timer's callback once, as if its period had passed.</summary>
    public void Tick()
    {
        foreach (var (callback, state) in _timers)
        {
            callback(state);
        }
    }

    private sealed class Timer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
