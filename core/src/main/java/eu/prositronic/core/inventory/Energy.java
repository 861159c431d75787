package eu.prositronic.core.inventory;

/**
 * The inventory's {@code energy:} section: what a kWh costs and how the fleet is used, for the power and cost estimates
 * (fit/PowerModel). Without the section the estimates give watts and kWh at the defaults below and no cost.
 *
 * @param pricePerKWh the price of one kWh at the meter, in {@code currency}; empty without an {@code energy:} section
 * @param currency a label printed after amounts (e.g. EUR); empty prints bare amounts
 * @param pue power usage effectiveness: the facility's watts per IT watt (1.0 at home, 1.2–1.6 in a data centre)
 * @param dutyCycle the share of the time a deployment is generating; the rest it sits idle with its model loaded
 */
public record Energy(java.util.OptionalDouble pricePerKWh, String currency, double pue, double dutyCycle) {

    /** A home or office: no cooling overhead beyond the machine's own. */
    public static final double DEFAULT_PUE = 1.0;

    /** Busy half the time: an assumption, said so wherever a monthly figure is shown. */
    public static final double DEFAULT_DUTY_CYCLE = 0.5;

    /** The defaults, used when the inventory has no {@code energy:} section. */
    public static final Energy DEFAULTS =
            new Energy(java.util.OptionalDouble.empty(), "", DEFAULT_PUE, DEFAULT_DUTY_CYCLE);

    public boolean priced() {
        return pricePerKWh.isPresent();
    }
}
