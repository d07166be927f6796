// How many steps a plan has, in words: "1 step", "4 steps".
export const stepCount = (n: number): string => `${n} step${n === 1 ? '' : 's'}`;
