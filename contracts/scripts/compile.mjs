#!/usr/bin/env node
// Compiles the four deployable contracts with the pinned solc-js (npm "solc") and writes one artifact per
// contract: contracts/artifacts/<ContractName>.json, or <dir>/<ContractName>.json with `--out <dir>`.
//
// The compiler input is fixed (source unit names relative to contracts/, optimizer on with a fixed run count,
// a fixed EVM version), so the same sources always give byte-identical artifacts; check-artifacts.sh relies on
// that. Any compiler warning fails the build, as TreatWarningsAsErrors does for the C# code.
import { createRequire } from "node:module";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const contractsDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repositoryDir = resolve(contractsDir, "..");
const require = createRequire(join(repositoryDir, "package.json"));
const solc = require("solc");

// Compiler settings: change them only together with contracts/README.md and foundry.toml.
export const OPTIMIZER_RUNS = 200;
export const EVM_VERSION = "cancun";
const CONTRACTS = ["SettlementAnchor", "SettlementEscrow", "PayoutBatcher", "TestUSD"];
const REMAPPINGS = [["@openzeppelin/", join(repositoryDir, "node_modules", "@openzeppelin") + "/"]];

function parseArguments(argv) {
  let outDir = join(contractsDir, "artifacts");
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out" && i + 1 < argv.length) {
      outDir = resolve(argv[++i]);
    } else {
      throw new Error(`unknown argument ${argv[i]}; usage: compile.mjs [--out <dir>]`);
    }
  }
  return { outDir };
}

// Imports are resolved the way foundry.toml remaps them: @openzeppelin/ from node_modules, anything else
// relative to contracts/.
function readImport(path) {
  for (const [prefix, target] of REMAPPINGS) {
    if (path.startsWith(prefix)) {
      return { contents: readFileSync(target + path.slice(prefix.length), "utf8") };
    }
  }
  if (path.startsWith("src/")) {
    return { contents: readFileSync(join(contractsDir, path), "utf8") };
  }
  return { error: `import ${path} is outside src/ and @openzeppelin/` };
}

function compile() {
  const sources = {};
  for (const name of CONTRACTS) {
    const unit = `src/${name}.sol`;
    sources[unit] = { content: readFileSync(join(contractsDir, unit), "utf8") };
  }
  const input = {
    language: "Solidity",
    sources,
    settings: {
      optimizer: { enabled: true, runs: OPTIMIZER_RUNS },
      evmVersion: EVM_VERSION,
      metadata: { bytecodeHash: "ipfs" },
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: readImport }));
  const diagnostics = output.errors ?? [];
  for (const diagnostic of diagnostics) {
    process.stderr.write(diagnostic.formattedMessage ?? `${diagnostic.severity}: ${diagnostic.message}\n`);
  }
  if (diagnostics.length > 0) {
    throw new Error(`solc reported ${diagnostics.length} error(s) or warning(s)`);
  }
  return output;
}

function main() {
  const { outDir } = parseArguments(process.argv.slice(2));
  const output = compile();
  mkdirSync(outDir, { recursive: true });
  for (const name of CONTRACTS) {
    const compiled = output.contracts[`src/${name}.sol`]?.[name];
    if (!compiled) throw new Error(`solc produced no output for ${name}`);
    // Key order is fixed here, so the files are stable byte for byte.
    const artifact = {
      contractName: name,
      abi: compiled.abi,
      bytecode: "0x" + compiled.evm.bytecode.object,
      deployedBytecode: "0x" + compiled.evm.deployedBytecode.object,
      compiler: { version: solc.version(), optimizer: true, runs: OPTIMIZER_RUNS, evmVersion: EVM_VERSION },
    };
    writeFileSync(join(outDir, `${name}.json`), JSON.stringify(artifact, null, 2) + "\n");
    process.stdout.write(`${name}: ${compiled.evm.deployedBytecode.object.length / 2} bytes deployed\n`);
  }
}

main();
