/** Anchors: fixed, periodic (iterative BOND) and EMA (J-BOND). */
package dev.bond4j.anchor;
