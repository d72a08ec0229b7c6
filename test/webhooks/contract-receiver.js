/**
 * The API contract's "Verifying Webhook Signatures" code, verbatim between the markers, wrapped
 * in a function so each test receiver mounts it on its own Express app with its own
 * `process.env.WEBHOOK_SECRET` and a `console` that records what the handler logged.
 * Plain JS on purpose: the contract's code is JavaScript and must run unchanged.
 */
module.exports = function mountContractHandler(app, express, process, console) {
  // ---- contract code, unchanged ----
const crypto = require('crypto');
function verifyWebhook(rawBody, signature, secret) {
const expected = crypto
.createHmac('sha256', secret)
.update(rawBody)
.digest('hex');
return `sha256=${expected}` === signature;
}
// Express.js handler
app.post('/openclaw-events', express.raw({ type: 'application/json' }), (req, res) => {
const sig = req.headers['x-openclaw-signature'];
if (!verifyWebhook(req.body, sig, process.env.WEBHOOK_SECRET)) {
return res.status(401).send('Invalid signature');
}
const event = JSON.parse(req.body);
console.log('Event:', event.event, event.data);
res.status(200).send('OK');
});
  // ---- end of contract code ----
};
