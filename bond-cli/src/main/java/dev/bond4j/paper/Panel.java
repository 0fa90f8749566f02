package dev.bond4j.paper;

import java.util.List;

/**
 * One chart of a figure: a title, labelled axes and its series.
 *
 * @param title the panel's title
 * @param xLabel what the x axis shows
 * @param yLabel what the y axis shows
 * @param series the lines and point sets
 */
public record Panel(String title, String xLabel, String yLabel, List<Series> series) {}
