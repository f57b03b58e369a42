// The group values that are not data: what the stores, the API, the CSV export and the charts all name the same way.
// No imports, so client components take these without pulling in the wire schemas.

/**
 * The group a split series or a cut breakdown sums everything beyond its top values into (a series' group key, a
 * CSV row's value). No stored value can take its place: a group value is a filter value, and filters never hold it.
 */
export const OTHER_GROUP = '(other)';

/** How a page shows the group of records without the value (the API's '' group key or null row value). */
export const NOT_SET_LABEL = '(not set)';
