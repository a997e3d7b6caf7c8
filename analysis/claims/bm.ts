/** The Boltzmann-machine claims (Bengio 2013, arXiv 1305.2982, §5), one module each. */
import { bmAis } from "./bm-ais.js";
import { bmAisBracket } from "./bm-ais-bracket.js";
import { bmB1 } from "./bm-b1.js";
import { bmB2 } from "./bm-b2.js";
import { bmB3 } from "./bm-b3.js";
import { bmB4 } from "./bm-b4.js";
import { bmCdk } from "./bm-cdk.js";
import type { Claim } from "./types.js";

export const bmClaims: Claim[] = [bmB1, bmB2, bmB3, bmB4, bmCdk, bmAis, bmAisBracket];
