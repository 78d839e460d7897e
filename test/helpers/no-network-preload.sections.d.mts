// Types for no-network-preload.sections.mjs (the bundle module map shared by the preload and the bundle scan).
export declare function bundleSections(text: string): [number, string | undefined][];
export declare function moduleAt(sections: [number, string | undefined][], line: number): string | undefined;
