#!/usr/bin/env node
// Renders one local HTML page in headless Chromium and checks that it is self-contained and clean:
// no request leaves the page's own file, no console error (CSP violations are console errors), no
// uncaught exception, no alert/confirm/prompt. Saves a full-page screenshot and prints one JSON
// object with what it saw.
//
//   node tests/browser/check_page.mjs PAGE.html --screenshot OUT.png [--width 1280 --height 800] [--mobile]
//                                   [--viewport-only]
//
// The screenshot is of the whole page, except with --mobile or --viewport-only: a long page at a
// phone's pixel density makes an image Chromium takes tens of seconds to encode.
//
// Exit 0: the page passed; 1: the check failed (the JSON says why); 2: harness error (bad
// arguments, Chromium or puppeteer-core missing, page missing, timeout), explained on stderr.
// Chromium is /usr/bin/chromium unless CHROMIUM names another binary.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const USAGE =
  'usage: node check_page.mjs PAGE.html --screenshot OUT.png [--width 1280 --height 800] [--mobile] [--viewport-only]';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const OVERALL_TIMEOUT_MS = 60_000;
const STEP_TIMEOUT_MS = 30_000; // launch, navigation, each protocol call
const LOAD_TIMEOUT_MS = 20_000;
const MAX_RECORDS = 100;
const SETTLE_MS = 500; // quiet time after load for late scripts, timers and requests

class HarnessError extends Error {}
class UsageError extends HarnessError {}

function parseArgs(argv) {
  const options = { page: null, screenshot: null, width: null, height: null, mobile: false, viewportOnly: false };
  const number = (flag, value) => {
    if (value === undefined || !/^[1-9][0-9]{0,4}$/.test(value)) {
      throw new UsageError(`${flag} needs a positive whole number of pixels, got '${value ?? ''}'`);
    }
    return Number(value);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--screenshot') {
      if (!argv[i + 1] || argv[i + 1].startsWith('--')) throw new UsageError('--screenshot needs a file name');
      options.screenshot = argv[++i];
    } else if (arg === '--width') {
      options.width = number(arg, argv[++i]);
    } else if (arg === '--height') {
      options.height = number(arg, argv[++i]);
    } else if (arg === '--mobile') {
      options.mobile = true;
    } else if (arg === '--viewport-only') {
      options.viewportOnly = true;
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option '${arg}'`);
    } else if (options.page === null) {
      options.page = arg;
    } else {
      throw new UsageError(`one page at a time: unexpected '${arg}'`);
    }
  }
  if (options.page === null) throw new UsageError('no page given');
  if (options.screenshot === null) throw new UsageError('--screenshot OUT.png is required');
  return options;
}

function viewportFor(options) {
  if (options.mobile) {
    return {
      width: options.width ?? 390,
      height: options.height ?? 844,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    };
  }
  return { width: options.width ?? 1280, height: options.height ?? 800, deviceScaleFactor: 1 };
}

function checkChromium(chromium) {
  try {
    fs.accessSync(chromium, fs.constants.X_OK);
  } catch {
    throw new HarnessError(`Chromium is missing: ${chromium} is not an executable (run scripts/setup, or set CHROMIUM)`);
  }
}

async function loadPuppeteer() {
  try {
    return (await import('puppeteer-core')).default;
  } catch (error) {
    const where = path.dirname(fileURLToPath(import.meta.url));
    throw new HarnessError(
      `puppeteer-core is not installed in ${where}/node_modules (run scripts/setup): ${error.message}`);
  }
}

// The file a file:// URL names, or null for any other URL.
function filePathOf(url) {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'file:') return null;
    parsed.hash = '';
    parsed.search = '';
    return fileURLToPath(parsed);
  } catch {
    return null;
  }
}

// Appends to one of the result's lists, keeping at most MAX_RECORDS (a page can alert in a loop).
function record(list, entry) {
  if (list.length < MAX_RECORDS) {
    list.push(entry);
  } else if (list.length === MAX_RECORDS) {
    const note = `... more than ${MAX_RECORDS}, the rest left out`;
    list.push(typeof entry === 'string' ? note : { ...entry, message: note });
  }
}

function writeJson(result) {
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const page = path.resolve(options.page);
  const screenshot = path.resolve(options.screenshot);
  if (!fs.existsSync(page) || !fs.statSync(page).isFile()) throw new HarnessError(`page not found: ${page}`);
  const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
  checkChromium(chromium);
  const puppeteer = await loadPuppeteer();
  fs.mkdirSync(path.dirname(screenshot), { recursive: true });

  const result = {
    ok: false,
    page,
    title: null,
    consoleErrors: [],
    consoleWarnings: [],
    pageErrors: [],
    dialogs: [],
    externalRequests: [],
    dom: null,
    screenshot: null,
  };

  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobtuner-chromium-'));
  let browser = null;
  let timer = null;
  let timedOut = false;

  const cleanUp = async () => {
    if (browser) {
      const child = browser.process();
      try {
        await Promise.race([browser.close(), new Promise((_, reject) => setTimeout(reject, 5_000))]);
      } catch {
        // close() hung or failed: make sure no Chromium outlives the check.
      }
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      browser = null;
    }
    fs.rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  };

  const watchdog = new Promise((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new HarnessError(`timed out after ${OVERALL_TIMEOUT_MS / 1000} s checking ${page}`));
    }, OVERALL_TIMEOUT_MS);
  });

  const check = async () => {
    browser = await puppeteer.launch({
      executablePath: chromium,
      ignoreDefaultArgs: true, // exactly our flags; puppeteer adds only --remote-debugging-pipe
      args: [...FLAGS, `--user-data-dir=${userDataDir}`],
      pipe: true,
      headless: true,
      timeout: STEP_TIMEOUT_MS,
      protocolTimeout: STEP_TIMEOUT_MS,
      handleSIGINT: true,
      handleSIGTERM: true,
      handleSIGHUP: true,
    });
    // A tab of our own: the one Chromium starts with may not be attached yet, and setting a mobile
    // viewport reloads the tab ("Protocol error (Page.reload): Not attached to an active page").
    const tab = await browser.newPage();
    for (let attempt = 1; ; ++attempt) {
      try {
        await tab.setViewport(viewportFor(options));
        break;
      } catch (error) {
        // On a loaded machine the reload can still find the tab detaching from about:blank.
        if (attempt === 3 || !String(error && error.message).includes('Not attached')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }

    tab.on('console', (message) => {
      const location = message.location();
      const where = location && location.url ? ` (${location.url}${location.lineNumber !== undefined ? ':' + (location.lineNumber + 1) : ''})` : '';
      const type = message.type();
      if (type === 'error' || type === 'assert') record(result.consoleErrors, message.text() + where);
      else if (type === 'warn' || type === 'warning') record(result.consoleWarnings, message.text() + where);
    });
    tab.on('pageerror', (error) => {
      record(result.pageErrors, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    });
    tab.on('dialog', async (dialog) => {
      record(result.dialogs, { type: dialog.type(), message: dialog.message() });
      try {
        await dialog.dismiss();
      } catch {
        // the page went away first
      }
    });
    await tab.setRequestInterception(true);
    tab.on('request', (request) => {
      if (filePathOf(request.url()) === page) {
        request.continue().catch(() => {});
      } else if (request.url().startsWith('data:')) {
        // A data: URL never leaves the page, and puppeteer cannot abort one. Chromium itself now
        // and then loads a 1x1 GIF this way while the page has no image at all, so these are not
        // counted: a report's own data: URL is blocked by its Content-Security-Policy, and the
        // violation is a console error, which fails the check.
        request.continue().catch(() => {});
      } else {
        const url = request.url();
        record(result.externalRequests, url.length > 200 ? `${url.slice(0, 200)}... (${url.length} characters)` : url);
        request.abort('blockedbyclient').catch(() => {});
      }
    });

    // Puppeteer's networkidle0 costs ~2 s more here; every request but the page's own is aborted at
    // once, so after load a short quiet time (for timers and late scripts) is enough.
    try {
      await tab.goto(pathToFileURL(page).href, { waitUntil: 'load', timeout: LOAD_TIMEOUT_MS });
    } catch (error) {
      if (error.name !== 'TimeoutError') throw error;
      // The page's fault (a script that never returns, say), so a failed check, not a harness error;
      // a hung renderer can give neither DOM facts nor a screenshot.
      result.pageErrors.push(`the page did not finish loading within ${LOAD_TIMEOUT_MS / 1000} s`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    await tab.evaluate(() => document.fonts.ready.then(() => true));

    const facts = await tab.evaluate(() => {
      const all = Array.from(document.querySelectorAll('*'));
      return {
        title: document.title,
        scripts: document.querySelectorAll('script').length,
        images: document.querySelectorAll('img').length,
        eventHandlerAttributes: all.filter((element) =>
          Array.from(element.attributes).some((attribute) => attribute.name.toLowerCase().startsWith('on'))).length,
        svgs: document.querySelectorAll('svg').length,
        // The page scrolls sideways as a whole: on a phone, content is cut or tiny. Wide tables
        // scroll inside their own box and do not count.
        horizontalOverflow: document.documentElement.scrollWidth > window.innerWidth + 1,
      };
    });
    result.title = facts.title;
    result.dom = {
      scripts: facts.scripts,
      images: facts.images,
      eventHandlerAttributes: facts.eventHandlerAttributes,
      svgs: facts.svgs,
      horizontalOverflow: facts.horizontalOverflow,
    };

    await tab.screenshot({ path: screenshot, fullPage: !(options.mobile || options.viewportOnly), type: 'png' });
    result.screenshot = screenshot;
  };

  try {
    await Promise.race([check(), watchdog]);
  } catch (error) {
    if (timedOut) writeJson(result); // what was seen before the hang helps to find it
    throw error instanceof HarnessError ? error : new HarnessError(`checking ${page} failed: ${error.message}`);
  } finally {
    clearTimeout(timer);
    await cleanUp();
  }

  result.ok = result.consoleErrors.length === 0 && result.pageErrors.length === 0 &&
    result.dialogs.length === 0 && result.externalRequests.length === 0;
  writeJson(result);
  return result.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`check_page: ${error instanceof HarnessError ? error.message : error.stack}\n`);
    if (error instanceof UsageError) process.stderr.write(USAGE + '\n');
    process.exit(2);
  });
