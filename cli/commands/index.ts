/** Every CLI command. Each issue adds its commands here. */
import type { Command } from "../types.js";
import { estimateCommand } from "./estimate.js";
import { exactCommand } from "./exact.js";
import { compareCommand } from "./compare.js";
import { verifyCommand } from "./verify.js";
import { rbmCommand } from "./rbm.js";
import { estimatorsCommand, renderCommand } from "./misc.js";

export const commands: Record<string, Command> = {
  verify: verifyCommand,
  exact: exactCommand,
  estimate: estimateCommand,
  estimators: estimatorsCommand,
  render: renderCommand,
  rbm: rbmCommand,
  compare: compareCommand,
};
