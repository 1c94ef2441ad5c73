import { onMounted, onWillUnmount } from "@odoo/owl";
import { registry } from "@web/core/registry";
import {
    ProgressBarField,
    progressBarField,
} from "@web/views/fields/progress_bar/progress_bar_field";

/**
 * The progress bar of a code-set import running in the background (medical.code.import): while the job
 * waits or runs, the wizard is reloaded every second, so the bar moves and the result shows by itself.
 */
export class ImportProgressField extends ProgressBarField {
    setup() {
        super.setup();
        onMounted(() => {
            this.timer = setInterval(() => this.poll(), 1000);
        });
        onWillUnmount(() => clearInterval(this.timer));
    }

    async poll() {
        const record = this.props.record;
        if (this.polling || !["queued", "running"].includes(record.data.state)) {
            return;
        }
        this.polling = true;
        try {
            await record.load();
        } finally {
            this.polling = false;
        }
    }
}

registry.category("fields").add("medical_import_progress", {
    ...progressBarField,
    component: ImportProgressField,
});
