export { startDashboard, type Dashboard, type DashboardOptions } from "./server.js";
export { TrialStore, numericHyperparameters, type TrialRow, type LossPoint } from "./trials.js";
