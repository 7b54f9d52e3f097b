using System.Net;
using Microsoft.Playwright;
using NUnit.Framework;

namespace LowLatency.Dashboard.Tests;

/// <summary>
/// The dashboard in a real browser: Debian's Chromium, headless, driven by Playwright. <c>.ci/run</c> installs it
/// (<c>apt-get install -y chromium</c>); on a machine without it the test is ignored, except under CI where it fails.
/// </summary>
[TestFixture]
public sealed class DashboardBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private const float Timeout = 15_000;

    private static readonly string[] s_chromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
    ];

    [Test]
    public async Task Dashboard_InChromium_ShowsLiveBarsAndCounters_AndReconnectsAfterServerRestart()
    {
        if (!File.Exists(Chromium))
        {
            string message = $"{Chromium} is missing: `apt-get install -y chromium` (.ci/run does it).";
            if (Environment.GetEnvironmentVariable("CI") is not null)
            {
                Assert.Fail(message);
            }

            Assert.Ignore(message);
        }

        LiveMarket market = await LiveMarket.StartAsync(new IPEndPoint(IPAddress.Loopback, 0));
        IPEndPoint endpoint = market.Server.LocalEndPoint;
        try
        {
            using IPlaywright playwright = await Playwright.CreateAsync();
            string profile = Directory.CreateTempSubdirectory("lowlatency-chromium-").FullName;
            await using IBrowserContext browser = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = s_chromiumArgs,
                ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
                Timeout = Timeout,
            });
            IPage page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
            var console = new List<string>();
            page.Console += (_, m) => console.Add($"{m.Type}: {m.Text}");
            page.PageError += (_, e) => console.Add($"error: {e}");

            // The page loads, connects, and shows live figures and bars.
            IResponse? response = await page.GotoAsync($"http://{endpoint}/", new PageGotoOptions { Timeout = Timeout });
            Assert.That(response?.Status, Is.EqualTo(200));
            await page.WaitForSelectorAsync("#status[data-state=live]", new PageWaitForSelectorOptions { Timeout = Timeout });
            await page.WaitForFunctionAsync("() => Number(document.body.dataset.barUpdates || 0) >= 8 && document.querySelectorAll('#stages tbody tr').length === 2", null, new PageWaitForFunctionOptions { Timeout = Timeout });

            string updatesBefore = await page.InnerTextAsync("#updates");
            string eventsBefore = await page.InnerTextAsync("#events-per-second");
            string publishedBefore = await page.InnerTextAsync("#published");
            int barsBefore = await BarUpdatesAsync(page);
            await page.WaitForFunctionAsync(
                "([u, p, b]) => document.getElementById('updates').textContent !== u && document.getElementById('published').textContent !== p && Number(document.body.dataset.barUpdates) > b + 5",
                new object[] { updatesBefore, publishedBefore, barsBefore },
                new PageWaitForFunctionOptions { Timeout = Timeout });
            Assert.That(eventsBefore, Is.Not.EqualTo("–"), "events/s shows a number");
            int charts = await page.Locator(".chart").CountAsync();
            Assert.That(charts, Is.InRange(1, 4), "a chart per busiest symbol (at most 4)");
            await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.chart')].some(c => Number(c.dataset.bars) >= 3)", null, new PageWaitForFunctionOptions { Timeout = Timeout });
            Assert.That(await page.InnerTextAsync("#stages tbody"), Does.Contain("parse").And.Contain("sink"));

            string screenshot = Path.Combine(TestContext.CurrentContext.WorkDirectory, "dashboard.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            TestContext.AddTestAttachment(screenshot, "the dashboard, live");

            // The server goes away: the page says so and retries with backoff; the server comes back on the same port.
            await market.DisposeAsync();
            await page.WaitForSelectorAsync("#status[data-state=reconnecting]", new PageWaitForSelectorOptions { Timeout = Timeout });
            market = await LiveMarket.StartAsync(endpoint);
            await page.WaitForSelectorAsync("#status[data-state=live]", new PageWaitForSelectorOptions { Timeout = Timeout });
            Assert.That(await page.EvaluateAsync<int>("() => Number(document.body.dataset.reconnects)"), Is.GreaterThanOrEqualTo(1));
            int barsAfterRestart = await BarUpdatesAsync(page);
            await page.WaitForFunctionAsync("b => Number(document.body.dataset.barUpdates) > b + 3", barsAfterRestart, new PageWaitForFunctionOptions { Timeout = Timeout });

            Assert.That(console.Where(c => c.StartsWith("error", StringComparison.Ordinal) && !c.Contains("WebSocket", StringComparison.Ordinal)), Is.Empty, string.Join('\n', console));
        }
        finally
        {
            await market.DisposeAsync();
        }
    }

    private static async Task<int> BarUpdatesAsync(IPage page) =>
        await page.EvaluateAsync<int>("() => Number(document.body.dataset.barUpdates || 0)");
}
