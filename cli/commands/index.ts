/** Every CLI command. A new command adds one line here. */
import type { CommandEntry } from "../types.js";
import { estimateCommand } from "./estimate.js";
import { exactCommand } from "./exact.js";
import { compareCommand } from "./compare.js";
import { spsaCommand } from "./spsa.js";
import { verifyCommand } from "./verify.js";
import { rbmCommand } from "./rbm.js";
import { estimatorsCommand, renderCommand } from "./misc.js";
import { reproduceCommand } from "./reproduce.js";

export const commands: Record<string, CommandEntry> = {
  verify: verifyCommand,
  exact: exactCommand,
  estimate: estimateCommand,
  estimators: estimatorsCommand,
  render: renderCommand,
  compare: compareCommand,
  spsa: spsaCommand,
  rbm: rbmCommand,
  reproduce: reproduceCommand,
};
