package eu.prositronic.core.emit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import eu.prositronic.core.yaml.Serializers;
import java.io.IOException;
import java.util.List;

/**
 * A long list of plan.json (its deployments) serialized in parallel, a batch at a time, with the bytes of the plain
 * serializer: each element is pretty-printed alone ({@link Serializers#json(Object)}), indented to the depth it
 * takes in the document (two spaces per enclosing object: the pretty printer's arrays are inline and add none), and
 * written as a raw value, which keeps the array's separators. A fleet's plan.json was one core's work while the other
 * waited.
 */
final class ParallelJsonList extends StdSerializer<List<?>> {
    private static final int BATCH = 256;

    @SuppressWarnings({"unchecked", "rawtypes"})
    ParallelJsonList() {
        super((Class) List.class);
    }

    @Override
    public void serialize(List<?> items, JsonGenerator gen, SerializerProvider provider) throws IOException {
        int objects = 0;
        for (JsonStreamContext c = gen.getOutputContext(); c != null; c = c.getParent()) {
            if (c.inObject()) {
                objects++;
            }
        }
        String newline = "\n" + "  ".repeat(objects);
        gen.writeStartArray(items, items.size());
        for (int from = 0; from < items.size(); from += BATCH) {
            List<String> texts = Parallel.map(items.subList(from, Math.min(items.size(), from + BATCH)), item -> {
                String alone = Serializers.json(item);
                return alone.substring(0, alone.length() - 1).replace("\n", newline);
            });
            for (String text : texts) {
                gen.writeRawValue(text);
            }
        }
        gen.writeEndArray();
    }
}
