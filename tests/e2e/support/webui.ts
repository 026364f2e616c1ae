// The webui in a real headless browser: Debian's Chromium driven by playwright-core (which downloads no
// browser), at the URL the stack publishes.
import { Browser, Page, chromium } from "playwright-core";

export const CHROMIUM = process.env.E2E_CHROMIUM ?? "/usr/bin/chromium";

/** Without the background-networking switches Chromium keeps dialling out on a closed network. */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Playwright gives each launch a fresh temporary profile of its own. */
export async function launch(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  return { browser, close: () => browser.close() };
}

/** Logs in through the login form; returns the page after the form was sent. */
export async function login(
  browser: Browser,
  baseUrl: string,
  user: string,
  password: string,
): Promise<Page> {
  const page = await browser.newContext().then((c) => c.newPage());
  const response = await page.goto(baseUrl, { waitUntil: "domcontentloaded" });
  if (!response || response.status() >= 400) {
    throw new Error(
      `GET ${baseUrl} answered ${response?.status()}:\n${(await page.content()).slice(0, 2000)}`,
    );
  }
  await page.fill('input[name="consolename"]', user);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForLoadState("domcontentloaded"), page.click('[name="submit"]')]);
  return page;
}

/** The visible text of the page (for assertions and failure messages). */
export async function text(page: Page): Promise<string> {
  return page.locator("body").innerText();
}
