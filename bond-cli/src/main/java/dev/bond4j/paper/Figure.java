package dev.bond4j.paper;

import java.util.List;

/**
 * A figure of the paper mirrored on the exact testbed: one or more panels side by side. It holds
 * data only; rendering it (PNG) is the job of a module outside {@code bond-api}.
 *
 * @param id file-friendly name, e.g. {@code fig4}
 * @param panels the charts, left to right
 */
public record Figure(String id, List<Panel> panels) {}
