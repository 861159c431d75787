package eu.prositronic.core.inventory;

/**
 * A node's own {@code power:} figures, measured at the wall for the whole machine (GPUs, CPU, fans, power supply):
 * when given they replace the estimate from the catalog's board power.
 *
 * @param loadWatts while its deployments generate
 * @param idleWatts with the models loaded and no request
 */
public record NodePower(double loadWatts, double idleWatts) {}
