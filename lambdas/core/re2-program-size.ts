/**
 * An upper estimate of the RE2 program a pattern compiles to, computed from its text before
 * compiling: compiling costs time in proportion to the program, and a counted repetition multiplies
 * what it repeats (`x{1000}` is 1,000 instructions in 7 characters), so a pattern is refused on this
 * estimate before RE2 spends anything on it. Each atom (a character, an escape, a class, `.`) counts
 * 1, a group counts its content plus 2, an operator (`*`, `+`, `?`, `|`) 2, and `{n,m}` repeats the
 * atom before it m times plus one instruction per optional copy (`{n}`: n times, `{n,}`: n + 1).
 */
export function estimatedProgramSize(pattern: string): number {
  // One frame per open group: the size of its content so far, and the size of its last atom.
  const frames: { size: number; last: number }[] = [{ size: 0, last: 0 }];
  const top = () => frames[frames.length - 1];
  const atom = (size: number) => {
    top().size += size;
    top().last = size;
  };
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i];
    if (char === '\\') {
      i = skipEscape(pattern, i, atom);
      continue;
    }
    if (char === '[') {
      i = skipClass(pattern, i);
      atom(1);
      continue;
    }
    if (char === '(') {
      frames.push({ size: 0, last: 0 });
      i = pattern.startsWith('(?', i) ? skipGroupFlags(pattern, i) : i + 1;
      continue;
    }
    if (char === ')' && frames.length > 1) {
      const group = frames.pop()!;
      atom(group.size + 2);
      i += 1;
      continue;
    }
    if (char === '{') {
      const repeat = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i, i + 24));
      if (repeat) {
        const min = Number(repeat[1]);
        const max = repeat[2] === undefined ? min : repeat[3] ? Math.max(min, Number(repeat[3])) : min + 1;
        // Each copy past the minimum is optional and adds a split instruction.
        const repeated = top().last * Math.max(max, 1) + (max - min);
        top().size += repeated - top().last + 1;
        top().last = repeated;
        i += repeat[0].length;
        continue;
      }
    }
    if (char === '*' || char === '+' || char === '?' || char === '|') {
      top().size += 2;
      if (char === '|') top().last = 0;
      i += 1;
      continue;
    }
    atom(1);
    i += 1;
  }
  return frames.reduce((total, frame) => total + frame.size, 0) + 2;
}

function skipEscape(pattern: string, at: number, atom: (size: number) => void): number {
  const kind = pattern[at + 1];
  if (kind === 'Q') {
    const end = pattern.indexOf('\\E', at + 2);
    const literal = end === -1 ? pattern.length - at - 2 : end - at - 2;
    if (literal > 0) atom(literal);
    return end === -1 ? pattern.length : end + 2;
  }
  atom(1);
  if ((kind === 'p' || kind === 'P' || kind === 'x') && pattern[at + 2] === '{') {
    const close = pattern.indexOf('}', at + 3);
    return close === -1 ? pattern.length : close + 1;
  }
  if (kind === 'p' || kind === 'P') return at + 3;
  if (kind === 'x') return at + 4;
  return at + 2;
}

// A class is one atom: `[]a]` and `[^]a]` hold a literal `]`, `[[:alpha:]]` a named class.
function skipClass(pattern: string, at: number): number {
  let i = at + 1;
  if (pattern[i] === '^') i += 1;
  if (pattern[i] === ']') i += 1;
  while (i < pattern.length && pattern[i] !== ']') {
    if (pattern[i] === '\\') i += 2;
    else if (pattern.startsWith('[:', i)) {
      const close = pattern.indexOf(':]', i + 2);
      i = close === -1 ? i + 1 : close + 2;
    } else i += 1;
  }
  return i + 1;
}

// `(?i)`, `(?i:`, `(?:`, `(?P<name>`: the flags or name are not atoms.
function skipGroupFlags(pattern: string, at: number): number {
  const named = /^\(\?P?<[A-Za-z0-9_]*>/.exec(pattern.slice(at, at + 40));
  if (named) return at + named[0].length;
  let i = at + 2;
  while (i < pattern.length && /[A-Za-z-]/.test(pattern[i])) i += 1;
  return i + 1;
}
