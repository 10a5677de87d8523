// The admin, driven for real: Debian's headless chromium (through playwright-core, which
// never downloads a browser) against a real `gazette serve` on a fresh database with the
// demo content. An editor signs in, creates an article whose tags overlap a demo
// article's, finds it on the home page and in that article's related sidebar, edits it,
// schedules a second one and watches it appear by itself, deletes it through the
// confirmation page, and signs out. Screenshots of every admin page land in the
// screenshot directory for a person to look at.
//
// Usage: node admin_flow.mjs GAZETTE_BINARY SCREENSHOT_DIR
// Exit status: 0 when every check passed, 1 on the first failure (with what failed and
// the end of the server's log), 2 on a usage error. The server is always stopped and the
// temporary directory always removed, failure or not.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// Installed by `make test-deps` (npm ci in tests/browser); say so rather than print a
// bare module-resolution error.
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  console.error(`cannot load playwright-core (${e.code ?? e.message}): run \`make test-deps\`, `
    + 'or `npm ci` in tests/browser');
  process.exit(1);
}

const CHROMIUM = '/usr/bin/chromium';
const USERNAME = 'admin';
const PASSWORD = 'browser-test-pass-7731';
// Generous: under ASan every request is several times slower.
const STEP_TIMEOUT_MS = 30_000;
const START_TIMEOUT_MS = 60_000;
// How far in the future the scheduled article is dated, and how long after that date it
// may take to appear before the test gives up.
const SCHEDULE_LEAD_MS = 8_000;
const SCHEDULE_GRACE_MS = 30_000;
const PHONE = { width: 390, height: 844 };
// Below the TIMEOUT CTest gives the test (CMakeLists.txt).
const OVERALL_TIMEOUT_MS = 240_000;

const [binaryArg, screenshotArg] = process.argv.slice(2);
if (!binaryArg || !screenshotArg) {
  console.error('usage: node admin_flow.mjs GAZETTE_BINARY SCREENSHOT_DIR');
  process.exit(2);
}
const binary = resolve(binaryArg);
const screenshotDir = resolve(screenshotArg);

// ---------- the server ----------

// `gazette serve --port 0` on a new database: it loads the demo content and prints the
// port it bound. Resolves to { url, child, log() }.
function startServer(dbPath) {
  const child = spawn(binary, ['serve', '--db', dbPath, '--port', '0', '--threads', '4'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const onData = (chunk) => { log += chunk.toString(); };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const server = { child, url: null, log: () => log };
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`the server did not say it was listening within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    const check = () => {
      const m = log.match(/listening on (http:\/\/[0-9.]+:\d+)/);
      if (m) {
        clearTimeout(timer);
        server.url = m[1];
        resolvePromise(server);
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited before listening (status ${code}, signal ${signal})`));
    });
  }).catch(async (e) => {
    await stopServer(server);
    throw new Error(`${e.message}; its log:\n${log.split('\n').slice(-40).join('\n')}`);
  });
}

// SIGTERM, then SIGKILL if it has not gone within 15 s. Resolves to the exit status.
function stopServer(server) {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.exitCode);
  }
  return new Promise((resolvePromise) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', (code) => { clearTimeout(killer); resolvePromise(code); });
    child.kill('SIGTERM');
  });
}

function setPassword(dbPath) {
  const r = spawnSync(binary, ['user', 'passwd', USERNAME, '--password-stdin', '--db', dbPath], {
    input: `${PASSWORD}\n`,
    encoding: 'utf8',
    timeout: START_TIMEOUT_MS,
  });
  assert.equal(r.status, 0, `gazette user passwd failed: ${r.stderr}${r.error ?? ''}`);
}

// ---------- helpers ----------

let step = 'starting';
function say(what) {
  step = what;
  console.log(`- ${what}`);
}

// "2026-11-23T10:00:00Z": the form's ISO 8601 UTC, to the second.
function isoSeconds(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function shot(page, name, options = {}) {
  await page.screenshot({ path: join(screenshotDir, `admin-${name}.png`), fullPage: true, ...options });
}

// Clicks a submit button and waits for the page the browser ends up on (after any 303).
// Returns that page's response.
async function submit(page, button) {
  const [response] = await Promise.all([page.waitForNavigation(), button.click()]);
  assert.ok(response, 'a form submission led to no response');
  return response;
}

// ---------- the flow ----------

async function flow(server, userDataDir) {
  const base = server.url;
  // Console messages are errors unless they report a status this test asked for (a 404
  // for a deleted article, the 422 of an invalid form, the 401 of a wrong password).
  const expected = new Set();
  const problems = [];

  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic',
    ],
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light',
    timeout: START_TIMEOUT_MS,
  });
  try {
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS * 2);
    const page = context.pages()[0] ?? (await context.newPage());
    // Public pages may be cached for 60 s (Cache-Control: public, max-age=60), so a page
    // seen before a save would come from the browser's cache unchanged. What this test
    // checks is what the server answers on the next request: DevTools' "Disable cache".
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    page.on('console', (msg) => {
      if (msg.type() !== 'error' && msg.type() !== 'warning') return;
      const text = msg.text();
      const status = text.match(/status of (\d{3})/);
      if (status && expected.has(`${status[1]} ${msg.location().url}`)) return;
      if (msg.type() === 'warning' && !/Content.Security.Policy|Refused/i.test(text)) return;
      problems.push(`console ${msg.type()} on ${page.url()} (${step}): ${text}`);
    });
    page.on('pageerror', (e) => problems.push(`page error on ${page.url()} (${step}): ${e.message}`));
    const http = context.request;  // shares the browser's cookies; never logs to the console

    // Public pages, read without the browser's cache getting in the way.
    const fetchText = async (path) => {
      const r = await http.get(base + path, { maxRedirects: 0 });
      return { status: r.status(), text: await r.text() };
    };
    const homeLinks = async () => (await fetchText('/')).text;

    say('an unauthenticated /admin goes to the sign-in page');
    await page.goto(`${base}/admin`);
    assert.equal(new URL(page.url()).pathname, '/admin/login', `/admin led to ${page.url()}`);
    await shot(page, '01-login');

    say('a wrong password gets the generic message');
    await page.fill('#username', USERNAME);
    await page.fill('#password', 'not-the-password-at-all');
    expected.add(`401 ${base}/admin/login`);
    let response = await submit(page, page.getByRole('button', { name: 'Sign in' }));
    assert.equal(response.status(), 401, 'a wrong password should get 401');
    await page.locator('.form-alert').waitFor();

    say('signing in through the form');
    await page.fill('#username', USERNAME);
    await page.fill('#password', PASSWORD);
    response = await submit(page, page.getByRole('button', { name: 'Sign in' }));
    assert.equal(new URL(page.url()).pathname, '/admin', `signing in led to ${page.url()}`);
    assert.equal(response.status(), 200);
    const demoRows = await page.locator('.admin-table tbody tr').count();
    assert.ok(demoRows >= 2, `the admin list shows ${demoRows} articles; the demo has more`);
    await shot(page, '02-list');

    say('picking a demo article and its tags from the home page');
    await page.goto(`${base}/`);
    const lead = page.locator('article.lead');
    const otherHref = await lead.locator('.lead-title a').getAttribute('href');
    const otherTitle = (await lead.locator('.lead-title a').innerText()).trim();
    const otherTags = (await lead.locator('.tags .tag').allInnerTexts()).map((t) => t.trim());
    assert.match(otherHref, /^\/articles\/[a-z0-9-]+$/);
    assert.ok(otherTags.length >= 2, `the demo article ${otherHref} has tags ${otherTags}`);
    await page.goto(base + otherHref);
    const otherBody = (await page.locator('article .body').innerText()).trim();
    assert.ok(otherBody.length > 200, 'the demo article has a body to write about');

    // An article on the same story: the other one's tags, its title and a good part of
    // its body in other words around it.
    const slug = 'browser-test-follow-up';
    const tags = [...otherTags.slice(0, 3), 'follow-up'];
    const article = {
      title: `Follow-up: ${otherTitle}`,
      summary: `What happened next, and what readers asked us about: ${otherTitle.toLowerCase()}.`,
      body: `## What happened next\n\n${otherBody.slice(0, 2500)}\n\n## Readers' questions\n\n`
        + `We put readers' questions about **${otherTitle}** to the people involved.`,
      author: 'Browser Test',
      tags: tags.join(', '),
    };

    say('a form with no title is refused with 422, the input kept and a message by the field');
    await page.goto(`${base}/admin/articles/new`);
    await page.fill('#summary', article.summary);
    await page.fill('#body', article.body);
    await page.fill('#tags', article.tags);
    await page.fill('#published_at', 'next tuesday');
    expected.add(`422 ${base}/admin/articles`);
    response = await submit(page, page.getByRole('button', { name: 'Create' }));
    assert.equal(response.status(), 422, 'an invalid form should get 422');
    assert.equal(new URL(page.url()).pathname, '/admin/articles');
    assert.ok(await page.locator('#title-error').isVisible(), 'no message by the empty title');
    assert.ok(await page.locator('#published_at-error').isVisible(), 'no message by the bad date');
    assert.equal(await page.inputValue('#summary'), article.summary, 'the summary was not kept');
    assert.equal(await page.inputValue('#tags'), article.tags, 'the tags were not kept');
    await page.locator('.form-alert').waitFor();
    await shot(page, '03-form-error');
    assert.equal((await fetchText(`/articles/${slug}`)).status, 404, 'an invalid form saved something');

    say('creating an article whose tags overlap the demo article\'s');
    await page.fill('#title', article.title);
    await page.fill('#slug', slug);
    await page.fill('#author', article.author);
    await page.selectOption('#status', 'published');
    await page.fill('#published_at', '');
    response = await submit(page, page.getByRole('button', { name: 'Create' }));
    assert.equal(new URL(page.url()).pathname, `/admin/articles/${slug}/edit`, `creating led to ${page.url()}`);
    assert.equal((await page.locator('.form-notice').innerText()).trim(), 'Created.');

    say('the new article is on the home page');
    let home = await homeLinks();
    assert.ok(home.includes(`href="/articles/${slug}"`), 'the new article is not on the home page');

    say('the new article is in the demo article\'s related sidebar');
    await page.goto(base + otherHref);
    const sidebarLink = page.locator(`aside.related a[href="/articles/${slug}"]`);
    assert.equal(await sidebarLink.count(), 1, `no link to the new article in ${otherHref}'s related sidebar`);

    say('editing the title');
    const newTitle = `Follow-up (updated): ${otherTitle}`;
    await page.goto(`${base}/admin/articles/${slug}/edit`);
    assert.equal(await page.inputValue('#title'), article.title);
    await page.fill('#title', newTitle);
    response = await submit(page, page.getByRole('button', { name: 'Save' }));
    assert.equal(new URL(page.url()).pathname, `/admin/articles/${slug}/edit`);
    assert.equal((await page.locator('.form-notice').innerText()).trim(), 'Saved.');
    assert.equal(await page.inputValue('#title'), newTitle);
    await shot(page, '04-edit-form');
    await page.reload();
    assert.equal(await page.locator('.form-notice').count(), 0, 'the "Saved." notice showed twice');

    say('the new title is on the public page and in the other article\'s sidebar');
    await page.goto(`${base}/articles/${slug}`);
    assert.equal((await page.locator('article h1').innerText()).trim(), newTitle);
    await page.goto(base + otherHref);
    assert.ok((await sidebarLink.innerText()).includes(newTitle), 'the related sidebar shows the old title');

    say('the preview is the public page, marked as a preview');
    await page.goto(`${base}/admin/articles/${slug}/edit`);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Preview', exact: true }).first().click()]);
    assert.equal(new URL(page.url()).pathname, `/admin/articles/${slug}/preview`);
    await page.locator('.preview-banner').waitFor();
    assert.equal((await page.locator('article h1').innerText()).trim(), newTitle);
    await shot(page, '05-preview');

    say('scheduling an article a few seconds ahead');
    const scheduledSlug = 'browser-test-scheduled';
    const scheduledTitle = `Coming shortly: ${otherTitle}`;
    await page.goto(`${base}/admin/articles/new`);
    await page.fill('#title', scheduledTitle);
    await page.fill('#slug', scheduledSlug);
    await page.fill('#summary', 'Scheduled by the browser test.');
    await page.fill('#body', `A scheduled piece on the same story.\n\n${otherBody.slice(0, 800)}`);
    await page.fill('#tags', article.tags);
    await page.selectOption('#status', 'published');
    const dueMs = Math.ceil((Date.now() + SCHEDULE_LEAD_MS) / 1000) * 1000;
    await page.fill('#published_at', isoSeconds(dueMs));
    response = await submit(page, page.getByRole('button', { name: 'Create' }));
    assert.equal(new URL(page.url()).pathname, `/admin/articles/${scheduledSlug}/edit`, `scheduling led to ${page.url()}`);

    say('right after the save it is not public');
    const early = await fetchText(`/articles/${scheduledSlug}`);
    home = await homeLinks();
    const checkedAt = Date.now();
    assert.ok(checkedAt < dueMs - 1000,
      `the server took too long: the scheduled date had (nearly) passed before the check (${dueMs - checkedAt} ms left)`);
    assert.equal(early.status, 404, `a scheduled article's page answered ${early.status}`);
    assert.ok(!home.includes(`/articles/${scheduledSlug}"`), 'the scheduled article is already on the home page');
    await page.goto(`${base}/admin`);
    const scheduledRow = page.locator('.admin-table tbody tr', { has: page.locator(`a[href="/admin/articles/${scheduledSlug}/edit"]`) });
    assert.equal((await scheduledRow.locator('.status').innerText()).trim().toLowerCase(), 'scheduled');
    await shot(page, '06-list-scheduled');

    say('it appears by itself once its time has come');
    const deadline = dueMs + SCHEDULE_GRACE_MS;
    let appeared = false;
    while (Date.now() < deadline) {
      const now = Date.now();
      const r = await fetchText(`/articles/${scheduledSlug}`);
      if (r.status === 200) {
        assert.ok(now >= dueMs - 1500, `the scheduled article was public ${dueMs - now} ms early`);
        appeared = true;
        break;
      }
      assert.equal(r.status, 404, `a scheduled article's page answered ${r.status}`);
      await new Promise((done) => setTimeout(done, 250));
    }
    assert.ok(appeared, `the scheduled article was still not public ${SCHEDULE_GRACE_MS} ms after its date`);
    home = await homeLinks();
    assert.ok(home.includes(`href="/articles/${scheduledSlug}"`), 'the published scheduled article is not on the home page');

    say('deleting it through the confirmation page');
    await page.goto(`${base}/admin/articles/${scheduledSlug}/edit`);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Delete…' }).click()]);
    assert.equal(new URL(page.url()).pathname, `/admin/articles/${scheduledSlug}/delete`);
    assert.ok((await page.locator('.delete-title').innerText()).includes(scheduledTitle));
    await shot(page, '07-delete-confirm');
    response = await submit(page, page.getByRole('button', { name: 'Delete', exact: true }));
    assert.equal(new URL(page.url()).pathname, '/admin', `deleting led to ${page.url()}`);
    assert.equal((await page.locator('.form-notice').innerText()).trim(), 'Deleted.');
    assert.equal(await page.locator(`a[href="/admin/articles/${scheduledSlug}/edit"]`).count(), 0,
      'the deleted article is still in the admin list');
    assert.equal((await fetchText(`/articles/${scheduledSlug}`)).status, 404, 'the deleted article still answers');
    assert.ok(!(await homeLinks()).includes(`/articles/${scheduledSlug}"`), 'the deleted article is still on the home page');
    expected.add(`404 ${base}/articles/${scheduledSlug}`);
    response = await page.goto(`${base}/articles/${scheduledSlug}`);
    assert.equal(response.status(), 404);
    await page.locator('.error').waitFor();  // the site's own error page

    say('the list and the form fit a phone');
    await page.setViewportSize(PHONE);
    for (const [path, name] of [['/admin', '08-list-phone'], [`/admin/articles/${slug}/edit`, '09-edit-form-phone']]) {
      await page.goto(base + path);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= PHONE.width, `${path} is ${width}px wide on a ${PHONE.width}px phone`);
      await shot(page, name);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${base}/admin`);
    await shot(page, '10-list-dark');
    await page.goto(`${base}/admin/articles/${slug}/edit`);
    await shot(page, '11-edit-form-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    say('signing out ends the session, server-side too');
    const session = (await context.cookies(base)).find((c) => c.name === 'gazette_session');
    assert.ok(session, 'no gazette_session cookie while signed in');
    assert.ok(session.httpOnly, 'the session cookie is not HttpOnly');
    assert.equal(session.sameSite, 'Strict', 'the session cookie is not SameSite=Strict');
    const before = await http.get(`${base}/admin`, {
      maxRedirects: 0,
      headers: { Cookie: `gazette_session=${session.value}` },
    });
    assert.equal(before.status(), 200, 'the session token, sent by hand, does not open /admin');
    response = await submit(page, page.getByRole('button', { name: 'Sign out' }));
    assert.equal(new URL(page.url()).pathname, '/admin/login', `signing out led to ${page.url()}`);
    await page.goto(`${base}/admin`);
    assert.equal(new URL(page.url()).pathname, '/admin/login', `/admin after signing out led to ${page.url()}`);
    // The old token, replayed by hand, opens nothing.
    const replay = await http.get(`${base}/admin`, {
      maxRedirects: 0,
      headers: { Cookie: `gazette_session=${session.value}` },
    });
    assert.equal(replay.status(), 303, 'the signed-out session still opens /admin');
    assert.equal(new URL(replay.headers().location, base).pathname, '/admin/login');

    assert.deepEqual(problems, [], 'the browser reported errors');
  } finally {
    await context.close();
  }
}

// ---------- main ----------

// What an interrupted run (Ctrl-C, a CI job cancelled) must still clean up.
const cleanup = { dir: null, server: null };
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    console.error(`\nINTERRUPTED by ${signal} while ${step}`);
    cleanup.server?.child.kill('SIGKILL');
    if (cleanup.dir) rmSync(cleanup.dir, { recursive: true, force: true });
    process.exit(1);
  });
}

async function main() {
  assert.ok(existsSync(binary), `no gazette binary at ${binary}`);
  assert.ok(existsSync(CHROMIUM), `no browser at ${CHROMIUM} (apt-get install chromium)`);
  mkdirSync(screenshotDir, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'gazette-browser-'));
  cleanup.dir = dir;
  let server = null;
  let failed = false;
  let timer;
  try {
    const dbPath = join(dir, 'site.db');
    say('starting the server on a new database with the demo content');
    server = await startServer(dbPath);
    cleanup.server = server;
    say('setting a known admin password');
    setPassword(dbPath);
    const profile = join(dir, 'profile');
    mkdirSync(profile);
    // Fail with a message (and clean up) before CTest's own timeout kills us silently.
    const overall = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the whole flow took over ${OVERALL_TIMEOUT_MS} ms`)),
        OVERALL_TIMEOUT_MS);
    });
    await Promise.race([flow(server, profile), overall]);
  } catch (e) {
    failed = true;
    console.error(`\nFAILED while ${step}:\n${e.stack ?? e}`);
  } finally {
    clearTimeout(timer);
    if (server) {
      const status = await stopServer(server);
      const log = server.log();
      if (/AddressSanitizer|LeakSanitizer|runtime error:/.test(log)) {
        failed = true;
        console.error('\nFAILED: the sanitizers reported errors in the server');
      } else if (status !== 0) {
        failed = true;
        console.error(`\nFAILED: the server exited with status ${status} when stopped`);
      }
      if (failed) console.error(`\nThe server's log, last lines:\n${log.split('\n').slice(-40).join('\n')}`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  if (failed) process.exit(1);
  console.log(`\nadmin flow passed; screenshots in ${screenshotDir}`);
}

await main();
