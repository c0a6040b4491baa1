'use strict'
// The generated loader picks the addon built for this platform.
module.exports = require('../../binding.js')
