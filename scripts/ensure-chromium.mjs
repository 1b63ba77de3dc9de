// Runs before `npm test`: the browser tests drive Debian's Chromium, which a new machine does not
// have. As root (these machines and CI run as root) it installs Debian's package; otherwise it says
// how and stops before any test runs, instead of failing three test files later.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(CHROMIUM)) process.exit(0);

const say = (line) => process.stderr.write(`npm test: ${line}\n`);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (!isRoot || !hasApt) {
  say(`the browser tests need Chromium at ${CHROMIUM}, and it is not installed.`);
  say(
    hasApt
      ? 'install it once with:  sudo apt-get update && sudo apt-get install -y chromium'
      : "install Chromium from your system's packages so that /usr/bin/chromium exists.",
  );
  process.exit(1);
}

say(`Chromium is not installed; the browser tests need it. Installing Debian's chromium package (about 2 minutes)...`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const install = () => spawnSync('apt-get', ['install', '-y', '-q', 'chromium'], { stdio: ['ignore', 'inherit', 'inherit'], env }).status === 0;
if (!install()) {
  say('the package lists may be out of date: running apt-get update, then trying again');
  execFileSync('apt-get', ['update', '-q'], { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (!install()) {
    say('apt-get could not install chromium; install it by hand (apt-get install -y chromium) and run npm test again.');
    process.exit(1);
  }
}
say(`installed: ${execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim()}`);
