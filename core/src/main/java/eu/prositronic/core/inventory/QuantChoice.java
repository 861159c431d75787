package eu.prositronic.core.inventory;

import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import java.util.Comparator;
import java.util.List;

/** The {@code quant:} of a deployment as asked: one file, an ordered list of them, or {@code auto}. */
public sealed interface QuantChoice {
    /** The files the solver may choose from, best first under objective quality. */
    List<QuantFile> candidates(ModelSpec model);

    /** {@code quant: Q5_K_M}: never changed. */
    record Fixed(QuantFile quant) implements QuantChoice {
        @Override
        public List<QuantFile> candidates(ModelSpec model) {
            return List.of(quant);
        }
    }

    /** {@code quant: [Q6_K, Q5_K_M, Q4_K_M]}: in this order of preference. */
    record Ordered(List<QuantFile> quants) implements QuantChoice {
        public Ordered {
            quants = List.copyOf(quants);
        }

        @Override
        public List<QuantFile> candidates(ModelSpec model) {
            return quants;
        }
    }

    /** {@code quant: auto}: every file of the model, the largest (most bits per weight) first. */
    record Auto() implements QuantChoice {
        @Override
        public List<QuantFile> candidates(ModelSpec model) {
            return model.quantizations().stream()
                    .sorted(Comparator.comparing(QuantFile::size).reversed().thenComparing(QuantFile::quant))
                    .toList();
        }
    }
}
