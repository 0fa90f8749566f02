/** The paper's claims C1-C7 measured on the exact testbed over seeds: experiments, seed statistics with confidence intervals, reference curves and figures' data. */
package dev.bond4j.paper;
