/**
 * What the Wharf services share, in plain Java with Jackson only: the CloudEvents envelope, the function definition
 * (a superset of OSCAR's FDL), NATS names and the execution record. Nothing here may depend on a runtime.
 */
package io.wharf.contracts;
