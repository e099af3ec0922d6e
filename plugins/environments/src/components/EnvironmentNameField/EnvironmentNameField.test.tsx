import { fireEvent, screen } from '@testing-library/react';
import { createFieldValidation } from '@backstage/plugin-scaffolder-react/alpha';
import { mockEnvironmentsApi } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import {
  EnvironmentNameField,
  validateEnvironmentName,
} from './EnvironmentNameField';
import { environmentsApiRef } from '../../api';

const takenAnswer = (name: string) => ({
  name,
  available: name !== 'shop-demo',
  ...(name === 'shop-demo'
    ? {
        reason:
          "An environment named 'shop-demo' already exists; pick another name",
      }
    : {}),
});

/** An API on which only `shop-demo` is taken. */
const namesApi = () =>
  mockEnvironmentsApi({
    checkEnvironmentName: jest.fn(async (name: string) => takenAnswer(name)),
  });

function Harness({ initial }: { initial?: string }) {
  const fieldProps: any = {
    schema: { title: 'Name', type: 'string', description: 'Lowercase…' },
    uiSchema: {},
    formData: initial,
    onChange: jest.fn(),
    idSchema: { $id: 'root_name' },
    rawErrors: [],
    required: true,
    disabled: false,
    readonly: false,
  };
  return <EnvironmentNameField {...fieldProps} />;
}

describe('EnvironmentNameField', () => {
  it('says a taken name is taken before the form moves on', async () => {
    const api = namesApi();
    await renderWithApis(<Harness initial="shop-demo" />, { api });
    expect(
      await screen.findByText(
        "An environment named 'shop-demo' already exists; pick another name",
      ),
    ).toBeInTheDocument();
    expect(api.checkEnvironmentName).toHaveBeenCalledWith('shop-demo');
  });

  it('says a free name is free', async () => {
    const api = namesApi();
    await renderWithApis(<Harness initial="shop-new" />, { api });
    expect(await screen.findByText("'shop-new' is free")).toBeInTheDocument();
  });

  it('explains a name against the rules in words, without asking the backend', async () => {
    const api = mockEnvironmentsApi();
    await renderWithApis(<Harness initial="Shop" />, { api });
    expect(
      screen.getByText("The name must be lowercase; try 'shop'"),
    ).toBeInTheDocument();
    expect(screen.queryByText(/\^\[a-z\]/)).not.toBeInTheDocument();
    expect(api.checkEnvironmentName).not.toHaveBeenCalled();
  });

  it('hands what is typed to the form', async () => {
    const api = mockEnvironmentsApi();
    const onChange = jest.fn();
    const fieldProps: any = {
      schema: { title: 'Name', type: 'string' },
      uiSchema: {},
      formData: undefined,
      onChange,
      idSchema: { $id: 'root_name' },
      rawErrors: [],
    };
    await renderWithApis(<EnvironmentNameField {...fieldProps} />, { api });
    fireEvent.change(screen.getByLabelText('Name'), {
      target: { value: 'shop-dev' },
    });
    expect(onChange).toHaveBeenCalledWith('shop-dev');
  });
});

describe('validateEnvironmentName', () => {
  const holder = (api: unknown) => ({
    apiHolder: {
      get: (ref: { id: string }) =>
        ref.id === environmentsApiRef.id ? api : undefined,
    } as any,
  });

  it('refuses a taken name with the reason, so no task starts', async () => {
    const api = namesApi();
    const validation = createFieldValidation();
    await validateEnvironmentName('shop-demo', validation, holder(api));
    expect(validation.__errors).toEqual([
      "An environment named 'shop-demo' already exists; pick another name",
    ]);
  });

  it('passes a free name and refuses one against the rules in words', async () => {
    const api = mockEnvironmentsApi();
    const free = createFieldValidation();
    await validateEnvironmentName('shop-new', free, holder(api));
    expect(free.__errors).toEqual([]);
    const bad = createFieldValidation();
    await validateEnvironmentName('shop-', bad, holder(api));
    expect(bad.__errors).toEqual(['The name must end with a letter or digit']);
  });
});
