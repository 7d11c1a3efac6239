// Tests never reach the internet: any HTTP that nock does not intercept and that is not loopback fails fast.
process.env.TZ = 'Asia/Ho_Chi_Minh';
