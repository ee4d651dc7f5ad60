// Nova's `name` list filter is a regular expression; a user-supplied regex could take
// exponential time in a JS engine, so only its common forms are honoured.

/**
 * `^` / `$` anchors and `.*` wildcards of Nova's name regex, everything else literal, matched
 * by a left-to-right scan: linear in the name, whatever the pattern.
 */
export function nameMatcher(pattern: string): (name: string) => boolean {
  const start = pattern.startsWith('^');
  const end = pattern.length > (start ? 1 : 0) && pattern.endsWith('$');
  const parts = pattern.slice(start ? 1 : 0, end ? -1 : undefined).split('.*');
  const last = parts[parts.length - 1];
  return (name) => {
    if (parts.length === 1) {
      if (start && end) return name === last;
      if (start) return name.startsWith(last);
      if (end) return name.endsWith(last);
      return name.includes(last);
    }
    let pos: number;
    if (start) {
      if (!name.startsWith(parts[0])) return false;
      pos = parts[0].length;
    } else {
      const i = name.indexOf(parts[0]);
      if (i < 0) return false;
      pos = i + parts[0].length;
    }
    for (let k = 1; k < parts.length - 1; k++) {
      const i = name.indexOf(parts[k], pos);
      if (i < 0) return false;
      pos = i + parts[k].length;
    }
    return end ? name.length - last.length >= pos && name.endsWith(last) : name.indexOf(last, pos) >= 0;
  };
}
