// Joins the process group (settings from the environment) and leaves; prints "joined".
import * as kd from '../../../dist/index.js';

await kd.distributed.initProcessGroup({ timeout: Number(process.env.DIST_TIMEOUT ?? 20000) });
await kd.distributed.barrier();
kd.distributed.destroyProcessGroup();
console.log('joined');
