import htm from 'htm';
import { h } from 'preact';

/**
 * Tagged templates that build preact elements. Interpolated values become text nodes or attribute
 * values, never markup, which is how every value from the API reaches the page.
 */
export const html = htm.bind(h);
