/**
 * Ends a jest run with one plain line, "N passed, N failed, N skipped", that CI and people can read
 * without parsing jest's own summary. Skipped tests say why at run time (e.g. "skipped: no MongoDB reachable").
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(
      `\n${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests + results.numTodoTests} skipped\n`,
    );
  }
}
module.exports = SummaryReporter;
