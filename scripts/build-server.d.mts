/** Path of the server bundle `npm start` runs. */
export declare const SERVER_BUNDLE: string;
/** The Node options `npm start` runs the bundle with (from package.json's start script). */
export declare const SERVER_NODE_OPTIONS: readonly string[];
/** Builds the server bundle when it is missing or older than any source file (or always, with force); true when it built. */
export declare function ensureServerBuild(options?: { force?: boolean }): Promise<boolean>;
