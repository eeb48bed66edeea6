// The compiler half of solc-wrapper: answers `--version` as native solc does and compiles `--standard-json`
// input from stdin with the pinned solc-js. Other arguments (--allow-paths, --base-path, --include-path) only
// matter for imports, which are resolved here from the filesystem, relative to the current directory or to the
// given base and include paths.
import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repositoryDir = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const solc = createRequire(join(repositoryDir, "package.json"))("solc");

function nativeVersion() {
  // solc-js reports "0.8.30+commit.73712a01.Emscripten.clang"; forge parses the "Version:" line of native
  // solc, whose build suffix is the platform's.
  const semver = solc.version().replace(/\.Emscripten\.clang$/, "");
  return `solc, the solidity compiler commandline interface\nVersion: ${semver}.Linux.g++\n`;
}

function main(argv) {
  if (argv.includes("--version")) {
    process.stdout.write(nativeVersion());
    return 0;
  }
  if (!argv.includes("--standard-json")) {
    process.stderr.write("solc-wrapper: only --version and --standard-json are supported\n");
    return 2;
  }
  const roots = [process.cwd()];
  for (let i = 0; i < argv.length; i++) {
    if ((argv[i] === "--base-path" || argv[i] === "--include-path") && i + 1 < argv.length) {
      roots.push(resolve(argv[++i]));
    }
  }
  const readImport = (path) => {
    const candidates = isAbsolute(path) ? [path] : roots.map((root) => join(root, path));
    for (const candidate of candidates) {
      if (existsSync(candidate)) return { contents: readFileSync(candidate, "utf8") };
    }
    return { error: `File not found: ${path}` };
  };
  const input = readFileSync(0, "utf8");
  process.stdout.write(solc.compile(input, { import: readImport }) + "\n");
  return 0;
}

process.exitCode = main(process.argv.slice(2));
