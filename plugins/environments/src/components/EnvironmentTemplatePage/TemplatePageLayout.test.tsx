import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { TemplatePageLayout } from './TemplatePageLayout';

describe('TemplatePageLayout', () => {
  it('puts the info cards in a row on top, each at least 480 px wide, and the template card below at full width', async () => {
    await renderInTestApp(
      <TemplatePageLayout
        cards={[
          { type: 'content', element: <div>Template card</div> },
          { type: 'info', element: <div>About card</div> },
          { element: <div>Relations card</div> },
        ]}
      />,
    );
    const info = screen.getByRole('region', { name: 'About this template' });
    const about = screen.getByText('About card');
    const template = screen.getByText('Template card');
    expect(info).toContainElement(about);
    expect(info).not.toContainElement(template);
    expect(info).not.toContainElement(screen.getByText('Relations card'));
    // About comes first in the page, not in a column beside the template.
    expect(
      about.compareDocumentPosition(template) &
        Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    const columns = getComputedStyle(info).gridTemplateColumns;
    const min = Number(/(\d+)px/.exec(columns)?.[1]);
    expect(min).toBeGreaterThanOrEqual(480);
  });
});
