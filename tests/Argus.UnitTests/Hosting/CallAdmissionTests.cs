using Argus.Hosting.Admission;
using Argus.Hosting.Errors;

namespace Argus.UnitTests.Hosting;

public sealed class CallAdmissionTests
{
    [Fact]
    public async Task A_call_beyond_the_turns_and_the_queue_is_refused_and_a_queued_call_runs_once_a_turn_is_free()
    {
        using var admission = new CallAdmission(concurrent: 1, queued: 1);
        var release = new TaskCompletionSource<int>();
        var first = admission.RunAsync(() => release.Task, CancellationToken.None); // holds the one turn
        var secondRan = false;
        var second = admission.RunAsync(() =>
        {
            secondRan = true;
            return Task.FromResult(2);
        }, CancellationToken.None);

        Assert.Equal(1, admission.Waiting);
        await Assert.ThrowsAsync<QuotaExceededException>(() => admission.RunAsync(() => Task.FromResult(3), CancellationToken.None));
        Assert.False(secondRan);

        release.SetResult(1);
        Assert.Equal(1, await first);
        Assert.Equal(2, await second.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(secondRan);
        Assert.Equal(0, admission.Waiting);
    }

    [Fact]
    public async Task A_waiting_call_whose_caller_gives_up_leaves_the_queue_and_takes_no_turn()
    {
        using var admission = new CallAdmission(concurrent: 1, queued: 1);
        var release = new TaskCompletionSource<int>();
        var first = admission.RunAsync(() => release.Task, CancellationToken.None);
        using var giveUp = new CancellationTokenSource();
        var ran = false;
        var abandoned = admission.RunAsync(() =>
        {
            ran = true;
            return Task.FromResult(0);
        }, giveUp.Token);

        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.Equal(0, admission.Waiting);
        release.SetResult(1);
        await first;
        Assert.False(ran);
        // The turn came back: without it this call would wait for ever, so it is given 5 s.
        Assert.Equal(5, await admission.RunAsync(() => Task.FromResult(5), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
