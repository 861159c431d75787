package eu.prositronic.core.inventory;

import java.util.List;
import java.util.Locale;

/** llama-server's {@code --flash-attn on|off|auto}. */
public enum FlashAttn {
    ON,
    OFF,
    AUTO;

    public String flag() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> flags() {
        return List.of("on", "off", "auto");
    }
}
