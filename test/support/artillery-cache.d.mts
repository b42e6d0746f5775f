export function artilleryCache(): string
export function artilleryBin(dir?: string): string
