package dev.bond4j.tck;

/** The conformance suite against the exact testbed, the reference backend. */
class TabularPolicyContractTest extends PolicyContract {
  @Override
  protected PolicyBackend backend() {
    return new TabularBackend();
  }
}
