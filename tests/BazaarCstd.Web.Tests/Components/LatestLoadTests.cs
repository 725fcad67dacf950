using BazaarCstd.Web.Components.Shared;

namespace BazaarCstd.Web.Tests.Components;

/// <summary>
/// The list pages' loads (filters, paging): when two quick filter changes send two requests and the
/// older answer arrives last, the page shows the newer request's rows, not the older's.
/// </summary>
public sealed class LatestLoadTests
{
    [Fact]
    public async Task An_older_answer_arriving_last_does_not_replace_the_newer_one()
    {
        var page = new ListPage();
        var older = new TaskCompletionSource<string[]>();
        var newer = new TaskCompletionSource<string[]>();

        var first = page.LoadAsync(older.Task);
        var second = page.LoadAsync(newer.Task);
        newer.SetResult(["sale 1", "sale 2"]);
        await second;
        older.SetResult(["stock-in", "sale 1", "sale 2", "sale 3"]);
        await first;

        Assert.Equal(["sale 1", "sale 2"], page.Rows);
        Assert.Equal(1, page.Applied);
    }

    [Fact]
    public async Task A_refused_newest_load_shows_its_problem_and_keeps_the_rows()
    {
        var page = new ListPage();
        await page.LoadAsync(Task.FromResult<string[]>(["sale 1"]));

        await page.LoadAsync(Task.FromException<string[]>(new HttpRequestException("refused")));

        Assert.Equal(["sale 1"], page.Rows);
        Assert.Equal("The inventory service cannot be reached right now. Try again in a moment.", page.Problem);
    }

    private sealed class ListPage : ApiComponentBase
    {
        public string[] Rows { get; private set; } = [];
        public string? Problem { get; private set; }
        public int Applied { get; private set; }

        public Task LoadAsync(Task<string[]> answer) => LoadLatestAsync(() => answer, (rows, problem) =>
        {
            Rows = rows ?? Rows;
            Problem = problem;
            Applied++;
        });
    }
}
