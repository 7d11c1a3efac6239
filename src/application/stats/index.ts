export * from './period';
export * from './stats-service';
export * from './svg-chart';
export * from './stats-charts';
export * from './stats-tables';
export * from './csv';
export * from './xlsx';
