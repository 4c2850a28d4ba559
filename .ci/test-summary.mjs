// Prints one plain line, `N passed, N failed` (`, N skipped` when some were), from the results that
// Jest wrote with --json (the README's test command writes test-results/jest.json), and exits 1 when
// a test failed or no results were written. A suite that failed before running any test (a syntax
// error, a throwing import) counts as one failed test, so that it cannot hide behind a count of 0.
import { readFileSync } from 'node:fs';
import process from 'node:process';

const file = process.argv[2] ?? 'test-results/jest.json';
let results;
try {
  results = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  process.stdout.write(`no test results in ${file} (${error.message})\n0 passed, 0 failed\n`);
  process.exit(1);
}

const suitesThatDidNotRun = results.testResults.filter(
  (suite) => suite.status === 'failed' && suite.assertionResults.length === 0,
).length;
const passed = results.numPassedTests;
const failed = results.numFailedTests + suitesThatDidNotRun;
const skipped = results.numPendingTests + results.numTodoTests;

const skippedPart = skipped > 0 ? `, ${skipped} skipped` : '';
process.stdout.write(`${passed} passed, ${failed} failed${skippedPart}\n`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
