/** What every resource's routes plugin is registered with (routes/index.ts). */
import type { GatewayContext } from '../context';
export interface RouteOptions {
  ctx: GatewayContext;
  prefix: string;
}
